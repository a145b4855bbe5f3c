import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
  UploadedFiles,
  UseInterceptors,
} from '@nestjs/common';
import { AnyFilesInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AppError } from '../admin/errors';
import { parseInput } from '../admin/validation';
import { DocumentsService, type UploadedFile } from './documents.service';

const listSchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  status: z.enum(['queued', 'parsing', 'indexing', 'ready', 'failed']).optional(),
});

const multipartBody = {
  schema: {
    type: 'object',
    properties: {
      file: { type: 'array', items: { type: 'string', format: 'binary' } },
      password: { type: 'string', description: 'opens password-protected PDFs' },
    },
  },
};

/** Only `file` fields are documents; anything else is a client mistake worth naming. */
function filesFrom(files: Express.Multer.File[] | undefined): UploadedFile[] {
  const all = files ?? [];
  const stray = all.filter((f) => f.fieldname !== 'file').map((f) => f.fieldname);
  if (stray.length)
    throw new AppError('bad_request', `Unexpected multipart field(s): ${stray.join(', ')}; use "file".`);
  return all;
}

/**
 * An optional `password` form field opens encrypted PDFs. It travels only in the job payload,
 * never into the database, so a lost job fails as "password protected" rather than leaking it.
 */
function passwordFrom(body: unknown): string | undefined {
  const p = (body as { password?: unknown } | undefined)?.password;
  if (p === undefined || p === '') return undefined;
  if (typeof p !== 'string' || p.length > 1024)
    throw new AppError('bad_request', '"password" must be a string of at most 1024 characters.');
  return p;
}

@ApiTags('documents')
@ApiBearerAuth()
@Controller('api/v1/kbs/:kb/documents')
export class DocumentsController {
  constructor(@Inject(DocumentsService) private readonly docs: DocumentsService) {}

  @Post()
  @HttpCode(202)
  @ApiConsumes('multipart/form-data')
  @ApiBody(multipartBody)
  @UseInterceptors(AnyFilesInterceptor())
  async upload(
    @Param('kb') kb: string,
    @UploadedFiles() files: Express.Multer.File[] | undefined,
    @Body() body: unknown,
  ) {
    return { items: await this.docs.upload(kb, filesFrom(files), undefined, passwordFrom(body)) };
  }

  @Put(':doc')
  @HttpCode(202)
  @ApiConsumes('multipart/form-data')
  @ApiBody(multipartBody)
  @UseInterceptors(AnyFilesInterceptor())
  async replace(
    @Param('kb') kb: string,
    @Param('doc') doc: string,
    @UploadedFiles() files: Express.Multer.File[] | undefined,
  ) {
    const all = filesFrom(files);
    if (all.length !== 1) throw new AppError('bad_request', 'Attach exactly one file in a "file" field.');
    return this.docs.replace(kb, doc, all[0]!);
  }

  @Get()
  async list(@Param('kb') kb: string, @Query() query: unknown) {
    return { items: await this.docs.list(kb, parseInput(listSchema, query)) };
  }

  @Get(':doc')
  get(@Param('kb') kb: string, @Param('doc') doc: string) {
    return this.docs.get(kb, doc);
  }

  @Get(':doc/versions')
  async versions(@Param('kb') kb: string, @Param('doc') doc: string) {
    return { items: await this.docs.versions(kb, doc) };
  }

  @Get(':doc/markdown')
  @Header('Content-Type', 'text/markdown; charset=utf-8')
  markdown(@Param('kb') kb: string, @Param('doc') doc: string) {
    return this.docs.markdown(kb, doc);
  }

  @Delete(':doc')
  @HttpCode(204)
  async delete(@Param('kb') kb: string, @Param('doc') doc: string) {
    await this.docs.delete(kb, doc);
  }
}
