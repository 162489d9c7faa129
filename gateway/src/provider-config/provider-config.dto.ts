// Bodies of the /config routes (docs/compatibility.md#config). models.json and settings.json are free-form
// documents: only their outer shape is checked here, the agent service checks the rest.
import { IsObject, IsString, MaxLength, MinLength } from 'class-validator';

export class PutAuthKeyDto {
  @IsString()
  @MinLength(1)
  @MaxLength(16_384)
  apiKey: string;
}

export class PutModelsDto {
  @IsObject()
  providers: Record<string, unknown>;
}
