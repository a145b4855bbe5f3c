// OpenAI-compatible endpoint: any OpenAI client asks a knowledge base by naming its slug as the
// model. The whole pipeline runs; citations are in the message text and in an extra field.
import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { AppError } from '../admin/errors';
import { KbsService } from '../knowledge/kbs.service';
import { AskService, type AskResult } from './ask.service';
import { formatReply, rejectionText } from './deliver.step';
import type { ConversationTurn } from './pipeline';
import { openEventStream } from './sse';

const content = z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))]);

const requestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z
    .array(
      z.looseObject({ role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']), content: content.nullish() }),
    )
    .min(1),
  stream: z.boolean().optional(),
  user: z.string().optional(),
});

const textOf = (c: z.infer<typeof content> | null | undefined): string =>
  typeof c === 'string' ? c : (c ?? []).map((p) => p.text ?? '').join('\n');

@ApiTags('openai')
@ApiBearerAuth()
@Controller('v1')
export class ChatCompletionsController {
  constructor(
    @Inject(AskService) private readonly asker: AskService,
    @Inject(KbsService) private readonly kbs: KbsService,
  ) {}

  @Get('models')
  async models() {
    const kbs = await this.kbs.list();
    return {
      object: 'list',
      data: kbs.map((kb) => ({
        id: kb.slug,
        object: 'model',
        created: Math.floor(kb.createdAt.getTime() / 1000),
        owned_by: 'fennel',
      })),
    };
  }

  @Post('chat/completions')
  @HttpCode(200)
  @ApiBody({
    schema: { example: { model: 'handbook', messages: [{ role: 'user', content: 'How many days of leave?' }] } },
  })
  async complete(@Body() body: unknown, @Res() res: Response) {
    const parsed = requestSchema.safeParse(body ?? {});
    if (!parsed.success) {
      return openAIError(
        res,
        400,
        'invalid_request_error',
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    }
    const req = parsed.data;
    const turns = req.messages.filter((m) => m.role === 'user' || m.role === 'assistant');
    const last = turns[turns.length - 1];
    if (!last || last.role !== 'user')
      return openAIError(res, 400, 'invalid_request_error', 'the last message must be from the user');
    const conversation: ConversationTurn[] = turns
      .slice(0, -1)
      .map((m) => ({ role: m.role as 'user' | 'assistant', text: textOf(m.content) }));
    const question = textOf(last.content);
    try {
      await this.kbs.get(req.model);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') {
        return openAIError(
          res,
          404,
          'invalid_request_error',
          `The model "${req.model}" does not exist: name a knowledge base slug (GET /v1/models).`,
          'model_not_found',
        );
      }
      throw err;
    }
    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    if (!req.stream) {
      const r = await this.asker.ask(req.model, { question, conversation, channel: 'openai' });
      res.json({
        id,
        object: 'chat.completion',
        created,
        model: req.model,
        choices: [
          { index: 0, message: { role: 'assistant', content: messageText(r, question) }, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
        citations: r.citations,
        fennel: { answerId: r.answerId, decision: r.decision, reason: r.reason },
      });
      return;
    }
    const sse = openEventStream(res);
    const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) =>
      sse.send(null, {
        id,
        object: 'chat.completion.chunk',
        created,
        model: req.model,
        choices: [{ index: 0, delta, finish_reason: finish }],
        ...extra,
      });
    chunk({ role: 'assistant', content: '' });
    try {
      const r = await this.asker.ask(req.model, {
        question,
        conversation,
        channel: 'openai',
        onDelta: (text) => chunk({ content: text }),
      });
      // Deltas carried the answer as generated; the sources follow, and a reject says so.
      const tail = r.decision === 'answer' ? formatReply('', r.citations) : rejectionText(r.reason, question);
      if (tail) chunk({ content: tail });
      chunk({}, 'stop', {
        citations: r.citations,
        fennel: { answerId: r.answerId, decision: r.decision, reason: r.reason },
      });
    } catch (err) {
      sse.send(null, { error: { message: (err as Error).message, type: 'server_error' } });
    }
    sse.raw('[DONE]');
    sse.end();
  }
}

function messageText(r: AskResult, question: string): string {
  return r.decision === 'answer' ? (r.reply ?? r.answer ?? '') : rejectionText(r.reason, question);
}

function openAIError(res: Response, status: number, type: string, message: string, code: string | null = null) {
  res.status(status).json({ error: { message, type, param: null, code } });
}
