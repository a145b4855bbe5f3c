import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { notFound } from '../admin/errors';
import { parseInput } from '../admin/validation';
import { KbsService } from '../knowledge/kbs.service';
import { AnswersRepository } from './answers.repository';
import { AskService } from './ask.service';
import { openEventStream } from './sse';

const turnSchema = z
  .object({
    role: z.enum(['user', 'assistant']),
    text: z.string().max(8000),
    sender: z.string().max(200).optional(),
  })
  .strict();

const askSchema = z
  .object({
    question: z.string().max(8000),
    conversation: z.array(turnSchema).max(50).optional(),
    stream: z.boolean().default(false),
    channel: z.string().min(1).max(64).default('api'),
  })
  .strict();

const listSchema = z
  .object({
    kb: z.string().optional(),
    decision: z.enum(['answer', 'reject']).optional(),
    reason: z.string().max(64).optional(),
    channel: z.string().max(64).optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    text: z.string().max(500).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    before: z.uuid().optional(),
  })
  .strict();

const feedbackSchema = z
  .object({ rating: z.enum(['up', 'down']), comment: z.string().trim().max(4000).optional() })
  .strict();

@ApiTags('answers')
@ApiBearerAuth()
@Controller('api/v1')
export class AnswersController {
  constructor(
    @Inject(AskService) private readonly asker: AskService,
    @Inject(AnswersRepository) private readonly answers: AnswersRepository,
    @Inject(KbsService) private readonly kbs: KbsService,
  ) {}

  /** JSON by default; Server-Sent Events (`trace`, `delta`, `done`) when `stream` is true. */
  @Post('kbs/:kb/ask')
  @HttpCode(200)
  @ApiBody({ schema: { example: { question: '如何安装 mmcv?', stream: false } } })
  async ask(@Param('kb') kb: string, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    const input = parseInput(askSchema, body);
    if (!input.stream) return this.asker.ask(kb, { ...input });
    await this.kbs.get(kb); // a 404 must be a JSON error, before the stream starts
    const sse = openEventStream(res);
    try {
      const result = await this.asker.ask(kb, { ...input, onDelta: (text) => sse.send('delta', { text }) });
      sse.send('done', result);
    } catch (err) {
      sse.send('error', { code: 'internal', message: (err as Error).message });
    }
    sse.end();
    return undefined;
  }

  @Get('answers')
  async list(@Query() query: unknown) {
    const q = parseInput(listSchema, query);
    const kbId = q.kb ? (await this.kbs.get(q.kb)).id : undefined;
    const items = await this.answers.list({ ...q, kbId });
    return { items, next: items.length === q.limit ? items[items.length - 1]!.id : null };
  }

  @Get('answers/:id')
  async get(@Param('id') id: string) {
    const a = z.uuid().safeParse(id).success ? await this.answers.get(id) : undefined;
    if (!a) throw notFound('Answer', id);
    return a;
  }

  @Post('answers/:id/feedback')
  @HttpCode(201)
  @ApiBody({ schema: { example: { rating: 'down', comment: 'cites the old policy' } } })
  async feedback(@Param('id') id: string, @Body() body: unknown) {
    const f = parseInput(feedbackSchema, body);
    if (!z.uuid().safeParse(id).success || !(await this.answers.addFeedback(id, f.rating, f.comment ?? null))) {
      throw notFound('Answer', id);
    }
    return { answerId: id, rating: f.rating };
  }
}
