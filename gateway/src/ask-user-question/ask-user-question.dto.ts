// The answer body of POST /sessions/:id/ask-user-question/answer (docs/compatibility.md#ask_user_question). The
// types are checked here; whether the answers fit the questions asked is the agent service's call
// (400 invalid_answer), since only it knows the questions.
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ASK_ANSWER_KIND } from '@pi-forge/proto';

/** Typed answers and notes; far more than a person types into a panel, far less than a body limit. */
const MAX_TEXT = 20_000;

export class AskAnswerDto {
  @IsInt()
  @Min(0)
  @Max(1000)
  questionIndex: number;

  /** The client's copy; the tool result uses the text that was asked. */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  question?: string;

  @IsIn(ASK_ANSWER_KIND.words)
  kind: string;

  /** The option label (option), or the typed text (custom, and multi's "Other"); null for none. */
  @ApiProperty({ type: String, nullable: true, required: false, maxLength: MAX_TEXT })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  answer?: string | null;

  /** The labels picked in a multi-select question. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(4)
  @IsString({ each: true })
  @MaxLength(60, { each: true })
  selected?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT)
  notes?: string;

  /** Ignored: the tool result echoes the chosen option's own preview. */
  @IsOptional()
  @IsString()
  @MaxLength(200_000)
  preview?: string;
}

export class AnswerQuestionDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  requestId: string;

  /** Declines every question ("Chat about this"). */
  @IsOptional()
  @IsBoolean()
  cancelled?: boolean;

  @ApiProperty({ type: [AskAnswerDto], required: false, maxItems: 4 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(4)
  @ValidateNested({ each: true })
  @Type(() => AskAnswerDto)
  answers?: AskAnswerDto[];
}
