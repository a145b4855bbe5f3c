import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseInput } from '../admin/validation';
import { kbSettingsSchema } from './kbs.service';
import { KbsService } from './kbs.service';

const createSchema = z
  .object({
    slug: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9_-]{0,62}$/,
        'lowercase letters, digits, "-" and "_", at most 63, starting with a letter or digit',
      ),
    name: z.string().trim().min(1).max(200),
    settings: kbSettingsSchema.optional(),
  })
  .strict();

const patchSchema = z
  .object({ name: z.string().trim().min(1).max(200).optional(), settings: kbSettingsSchema.optional() })
  .strict();

@ApiTags('knowledge bases')
@ApiBearerAuth()
@Controller('api/v1/kbs')
export class KbsController {
  constructor(@Inject(KbsService) private readonly kbs: KbsService) {}

  @Post()
  @ApiBody({ schema: { example: { slug: 'handbook', name: 'Employee handbook' } } })
  create(@Body() body: unknown) {
    return this.kbs.create(parseInput(createSchema, body));
  }

  @Get()
  async list() {
    return { items: await this.kbs.list() };
  }

  @Get(':kb')
  get(@Param('kb') kb: string) {
    return this.kbs.get(kb);
  }

  @Patch(':kb')
  @ApiBody({ schema: { example: { name: 'Handbook 2026', settings: { chunking: { maxTokens: 300 } } } } })
  update(@Param('kb') kb: string, @Body() body: unknown) {
    return this.kbs.update(kb, parseInput(patchSchema, body));
  }

  @Delete(':kb')
  @HttpCode(204)
  async delete(@Param('kb') kb: string) {
    await this.kbs.delete(kb);
  }
}
