import { Module } from '@nestjs/common';
import { AskUserQuestionController } from './ask-user-question.controller.js';

@Module({ controllers: [AskUserQuestionController] })
export class AskUserQuestionModule {}
