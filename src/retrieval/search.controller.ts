import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseInput } from '../admin/validation';
import { SearchService } from './search.service';

const searchSchema = z
  .object({
    query: z.string().trim().min(1, 'must not be empty').max(4000),
    topK: z.number().int().min(1).max(100).default(10),
    mode: z.enum(['hybrid', 'lexical', 'vector']).optional(),
    filters: z
      .object({
        documentIds: z.array(z.string().uuid()).max(1000).optional(),
        sources: z.array(z.enum(['upload', 'folder', 'url'])).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

@ApiTags('search')
@ApiBearerAuth()
@Controller('api/v1/kbs/:kb/search')
export class SearchController {
  constructor(@Inject(SearchService) private readonly search: SearchService) {}

  @Post()
  @HttpCode(200)
  @ApiBody({
    schema: {
      example: { query: 'How do I reset my password?', topK: 5, mode: 'hybrid', filters: { sources: ['upload'] } },
    },
  })
  run(@Param('kb') kb: string, @Body() body: unknown) {
    return this.search.search(kb, parseInput(searchSchema, body));
  }
}
