import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { notFound } from '../admin/errors';
import { parseInput } from '../admin/validation';
import { AskService } from './ask.service';

const question = z.string().trim().min(1).max(4000);
const tuneSchema = z
  .object({ good: z.array(question).max(10_000), bad: z.array(question).max(10_000) })
  .strict()
  .optional();

@ApiTags('answers')
@ApiBearerAuth()
@Controller('api/v1/kbs/:kb')
export class TuneController {
  constructor(@Inject(AskService) private readonly asker: AskService) {}

  /**
   * Fits the KB's gate on good questions (it should answer) and bad ones (it should not); with
   * an empty body, re-tunes on the stored examples. Returns the F1-maximising threshold, its
   * precision/recall/F1 on the examples and the curve.
   */
  @Post('tune')
  @HttpCode(200)
  @ApiBody({
    schema: { example: { good: ['如何安装 mmcv?', 'lmdeploy 支持 qwen2 吗'], bad: ['哈哈哈', '今天吃什么'] } },
  })
  async tune(@Param('kb') kb: string, @Body() body: unknown) {
    const input = parseInput(tuneSchema, body && Object.keys(body).length ? body : undefined);
    const r = await this.asker.tune(kb, input);
    return { ...r.metrics, examples: r.examples, curve: r.curve, model: { ...r.model, examples: undefined } };
  }

  @Get('gate')
  async gate(@Param('kb') kb: string) {
    const g = await this.asker.gate(kb);
    if (!g) throw notFound('Tuned gate of knowledge base', kb);
    return {
      tunedAt: g.tunedAt,
      metrics: g.metrics,
      examples: { good: g.examples.good.length, bad: g.examples.bad.length },
      model: { ...g.model, examples: undefined },
    };
  }
}
