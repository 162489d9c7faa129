import { Module } from '@nestjs/common';
import { ProjectsController } from './projects.controller.js';
import { ProjectCloneController } from './project-clone.controller.js';

@Module({ controllers: [ProjectCloneController, ProjectsController] })
export class ProjectsModule {}
