import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Inject,
  Param,
  Patch,
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
import { DocumentsService, MAX_TAG_LENGTH, MAX_TAGS, tagsSchema, type UploadedFile } from './documents.service';

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
      tags: {
        type: 'string',
        description:
          `comma-separated tags (or repeat the field), stored trimmed and lowercased; at most ${MAX_TAGS} of ` +
          `${MAX_TAG_LENGTH} characters each. On upload they go on every file's document; on replace they ` +
          "replace the document's tags, and without the field the tags stay.",
        example: 'hr,policy',
      },
    },
  },
};

const patchSchema = z.object({ tags: tagsSchema }).strict();

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

/**
 * The optional `tags` form field: one comma-separated value or the field repeated (multer then
 * gives an array). Empty items ("a,,b", a trailing comma) are dropped; an empty field clears.
 */
function tagsFrom(body: unknown): string[] | undefined {
  const raw = (body as { tags?: unknown } | undefined)?.tags;
  if (raw === undefined) return undefined;
  const values = Array.isArray(raw) ? raw : [raw];
  if (!values.every((v) => typeof v === 'string'))
    throw new AppError('bad_request', '"tags" must be text: comma-separated tags, or the field repeated.');
  const tags = values.flatMap((v: string) => v.split(',')).filter((t) => t.trim() !== '');
  return parseInput(patchSchema, { tags }).tags;
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
    return { items: await this.docs.upload(kb, filesFrom(files), undefined, passwordFrom(body), tagsFrom(body)) };
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
    @Body() body: unknown,
  ) {
    const all = filesFrom(files);
    if (all.length !== 1) throw new AppError('bad_request', 'Attach exactly one file in a "file" field.');
    return this.docs.replace(kb, doc, all[0]!, passwordFrom(body), tagsFrom(body));
  }

  /** Sets tags without a new version. */
  @Patch(':doc')
  @ApiBody({ schema: { example: { tags: ['hr', 'policy'] } } })
  setTags(@Param('kb') kb: string, @Param('doc') doc: string, @Body() body: unknown) {
    return this.docs.setTags(kb, doc, parseInput(patchSchema, body).tags);
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
