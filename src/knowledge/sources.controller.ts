import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { parseInput } from '../admin/validation';
import { createSourceSchema, SourcesService } from './sources.service';

@ApiTags('sources')
@ApiBearerAuth()
@Controller('api/v1/kbs/:kb/sources')
export class SourcesController {
  constructor(@Inject(SourcesService) private readonly sources: SourcesService) {}

  @Post()
  @ApiBody({
    schema: {
      examples: [
        { kind: 'folder', path: '/srv/handbook', intervalSec: 300 },
        { kind: 'url', sitemap: 'https://docs.example.com/sitemap.xml', intervalSec: 3600 },
      ],
    },
  })
  create(@Param('kb') kb: string, @Body() body: unknown) {
    return this.sources.create(kb, parseInput(createSourceSchema, body));
  }

  @Get()
  async list(@Param('kb') kb: string) {
    return { items: await this.sources.list(kb) };
  }

  @Get(':id')
  get(@Param('kb') kb: string, @Param('id') id: string) {
    return this.sources.get(kb, id);
  }

  @Post(':id/sync')
  @HttpCode(202)
  sync(@Param('kb') kb: string, @Param('id') id: string) {
    return this.sources.syncNow(kb, id);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('kb') kb: string, @Param('id') id: string) {
    await this.sources.delete(kb, id);
  }
}
