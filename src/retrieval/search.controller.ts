import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseInput } from '../admin/validation';
import { tagSchema } from '../knowledge/documents.service';
import { SearchService } from './search.service';

const searchSchema = z
  .object({
    query: z.string().trim().min(1, 'must not be empty').max(4000),
    topK: z.number().int().min(1).max(100).default(10),
    mode: z.enum(['hybrid', 'lexical', 'vector']).optional(),
    /** Rerank the best fused candidates; default: the KB's `retrieval.rerank`, else true. */
    rerank: z.boolean().optional(),
    filters: z
      .object({
        documentIds: z.array(z.string().uuid()).max(1000).optional(),
        sources: z.array(z.enum(['upload', 'folder', 'url'])).optional(),
        /** A document matches when it has ANY of these tags (normalized as stored: lowercased). */
        tags: z.array(tagSchema).max(100).optional(),
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
      description:
        'Filters combine with AND; within one filter any listed value matches. filters.tags: a document ' +
        'matches when it has ANY of the tags (compared lowercased).',
      example: {
        query: 'How do I reset my password?',
        topK: 5,
        mode: 'hybrid',
        filters: { sources: ['upload'], tags: ['it', 'onboarding'] },
      },
    },
  })
  run(@Param('kb') kb: string, @Body() body: unknown) {
    return this.search.search(kb, parseInput(searchSchema, body));
  }
}
