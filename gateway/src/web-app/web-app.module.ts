import { Global, Module } from '@nestjs/common';
import { WebAppFiles } from './web-app-files.js';

@Global()
@Module({ providers: [WebAppFiles], exports: [WebAppFiles] })
export class WebAppModule {}
