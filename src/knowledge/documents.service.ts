// Upload, replace, list and delete documents. The blob and version are committed before the
// ingest job is queued; the switch to a new version happens in the worker, atomically.
import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { AppError, notFound } from '../admin/errors';
import { IngestProducer } from '../queue/ingest.producer';
import { detectFormat } from '../../workers/parsers/detect-format';
import { describeBinary } from '../../workers/parsers/sniff-binary';
import { SUPPORTED_FORMATS } from '../../workers/parsers/parser-registry';
import {
  DocumentsRepository,
  type DocumentRecord,
  type DocumentVersion,
  type VersionStatus,
} from './documents.repository';
import type { KnowledgeBase } from './kbs.repository';
import { KbsService, type KbSettings } from './kbs.service';
import { CONFIG, type FennelConfig } from '../config/config';

export interface UploadedFile {
  originalname: string;
  buffer: Buffer;
}

export interface UploadResult {
  documentId: string;
  versionId: string;
  filename: string;
  status: VersionStatus;
  /** False when identical bytes were already the newest version: nothing new was queued. */
  created: boolean;
  tags: string[];
}

export interface UploadSource {
  source: string;
  sourceRef: string | null;
}

const UPLOAD: UploadSource = { source: 'upload', sourceRef: null };

export const MAX_TAGS = 32;
export const MAX_TAG_LENGTH = 64;

/**
 * A tag as stored and as filtered on: trimmed and lowercased, so "HR" and "hr " are one tag.
 * No commas, since a form field lists tags comma-separated.
 */
export const tagSchema = z
  .string()
  .trim()
  .min(1, 'a tag must not be empty')
  .max(MAX_TAG_LENGTH, `a tag is at most ${MAX_TAG_LENGTH} characters`)
  .regex(/^[^,\p{Cc}]+$/u, 'a tag must not contain commas or control characters')
  .toLowerCase();

/** A document's tags: duplicates (after normalizing) collapse, then at most MAX_TAGS remain. */
export const tagsSchema = z
  .array(tagSchema)
  .transform((tags) => [...new Set(tags)])
  .pipe(z.array(z.string()).max(MAX_TAGS, `at most ${MAX_TAGS} tags`));

@Injectable()
export class DocumentsService {
  constructor(
    @Inject(KbsService) private readonly kbs: KbsService,
    @Inject(DocumentsRepository) private readonly docs: DocumentsRepository,
    @Inject(IngestProducer) private readonly ingest: IngestProducer,
    @Inject(CONFIG) private readonly config: FennelConfig,
  ) {}

  private async content(file: UploadedFile, origin: UploadSource) {
    const filename = sanitizeFilename(file.originalname);
    const detected = detectFormat(file.buffer, filename);
    if (!detected.ok) {
      // Our own reason is specific for containers we know (ZIP, OLE2); name other binaries.
      const actually = detected.generic ? await describeBinary(file.buffer) : null;
      throw new AppError(
        'unsupported_media_type',
        `"${filename}" is ${actually ?? detected.reason}; Fennel reads PDF, DOCX, XLSX, PPTX, HTML, Markdown and text.`,
      );
    }
    if (!SUPPORTED_FORMATS.includes(detected.format)) {
      throw new AppError(
        'unsupported_media_type',
        `"${filename}" is ${detected.format.toUpperCase()}, which Fennel cannot parse yet.`,
      );
    }
    return {
      filename,
      title: filename.replace(/\.[^.]+$/, '') || filename,
      mime: detected.mime,
      sha256: createHash('sha256').update(file.buffer).digest('hex'),
      bytes: file.buffer,
      ...origin,
    };
  }

  /**
   * Stores each file as a new document and queues its ingest. `tags`, when given, are set on
   * every resulting document — also on one that already held identical bytes (created: false).
   */
  async upload(
    kbRef: string,
    files: UploadedFile[],
    origin: UploadSource = UPLOAD,
    password?: string,
    tags?: string[],
  ): Promise<UploadResult[]> {
    const kb = await this.kbs.get(kbRef);
    if (files.length === 0) throw new AppError('bad_request', 'Attach at least one file in a "file" field.');
    // Check every file before storing any, so a bad file in a batch stores nothing half-way.
    const contents = await Promise.all(files.map((f) => this.content(f, origin)));
    await this.checkQuota(
      kb,
      contents.reduce((sum, c) => sum + c.bytes.length, 0),
    );
    const results: UploadResult[] = [];
    for (const c of contents) {
      const { document, created } = await this.docs.createDocument(kb.id, { ...c, tags });
      if (created)
        await this.ingest.enqueue({ kbId: kb.id, documentId: document.id, versionId: document.latest.id, password });
      if (!created && tags) await this.docs.setTags(kb.id, document.id, tags);
      results.push({
        documentId: document.id,
        versionId: document.latest.id,
        filename: c.filename,
        status: document.latest.status,
        created,
        tags: tags ?? document.tags,
      });
    }
    return results;
  }

  /** A new version of the document; `tags`, when given, replace its tags (else they stay). */
  async replace(
    kbRef: string,
    documentId: string,
    file: UploadedFile,
    password?: string,
    tags?: string[],
  ): Promise<UploadResult> {
    const kb = await this.kbs.get(kbRef);
    const c = await this.content(file, UPLOAD);
    await this.checkQuota(kb, c.bytes.length);
    const added = await this.docs.addVersion(kb.id, documentId, c);
    if (!added) throw notFound('Document', documentId);
    if (added.created) await this.ingest.enqueue({ kbId: kb.id, documentId, versionId: added.versionId, password });
    if (tags) await this.docs.setTags(kb.id, documentId, tags);
    const doc = await this.get(kbRef, documentId);
    return {
      documentId,
      versionId: added.versionId,
      filename: c.filename,
      status: doc.latest.status,
      created: added.created,
      tags: doc.tags,
    };
  }

  /** Sets the tags alone: no new version, no ingest; searches filter on them at once. */
  async setTags(kbRef: string, documentId: string, tags: string[]): Promise<DocumentRecord> {
    const doc = await this.get(kbRef, documentId);
    if (!(await this.docs.setTags(doc.kbId, doc.id, tags))) throw notFound('Document', documentId);
    return this.get(kbRef, documentId);
  }

  /** Per-KB storage limit: the KB's setting, else FENNEL_MAX_KB_BYTES. */
  private async checkQuota(kb: KnowledgeBase, incoming: number): Promise<void> {
    const limit = (kb.settings as KbSettings).maxBytes ?? this.config.maxKbBytes;
    const used = await this.docs.storedBytes(kb.id);
    if (used + incoming > limit) {
      const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
      throw new AppError(
        'payload_too_large',
        `Knowledge base "${kb.slug}" would hold ${mb(used + incoming)}, over its limit of ${mb(limit)}; delete documents or raise the limit.`,
      );
    }
  }

  /**
   * A live source's view of the KB: create the document for `ref`, or add a version when the
   * bytes changed (the same versioned ingest and atomic switch as an upload).
   */
  async upsertFromSource(
    kbId: string,
    source: { id: string; kind: string },
    ref: string,
    filename: string,
    bytes: Buffer,
  ) {
    const c = await this.content({ originalname: filename, buffer: bytes }, { source: source.kind, sourceRef: ref });
    const existing = await this.docs.findBySourceRef(kbId, source.id, ref);
    if (existing) {
      const added = await this.docs.addVersion(kbId, existing.id, c);
      if (added?.created) await this.ingest.enqueue({ kbId, documentId: existing.id, versionId: added.versionId });
      return;
    }
    const kb = await this.kbs.get(kbId);
    await this.checkQuota(kb, bytes.length);
    const { document, created } = await this.docs.createDocument(kbId, { ...c, sourceId: source.id });
    if (created) await this.ingest.enqueue({ kbId, documentId: document.id, versionId: document.latest.id });
  }

  async removeFromSource(kbId: string, sourceId: string, ref: string): Promise<void> {
    const doc = await this.docs.findBySourceRef(kbId, sourceId, ref);
    if (doc) await this.docs.delete(kbId, doc.id);
  }

  renameInSource(kbId: string, sourceId: string, from: string, to: string): Promise<void> {
    return this.docs.renameSourceRef(kbId, sourceId, from, to);
  }

  sourceEntries(kbId: string, sourceId: string) {
    return this.docs.sourceEntries(kbId, sourceId);
  }

  async get(kbRef: string, documentId: string): Promise<DocumentRecord> {
    const kb = await this.kbs.get(kbRef);
    const doc = isUuid(documentId) ? await this.docs.get(kb.id, documentId) : null;
    if (!doc) throw notFound('Document', documentId);
    return doc;
  }

  async list(
    kbRef: string,
    opts: { limit: number; offset: number; status?: VersionStatus },
  ): Promise<DocumentRecord[]> {
    const kb = await this.kbs.get(kbRef);
    return this.docs.list(kb.id, opts);
  }

  async versions(kbRef: string, documentId: string): Promise<DocumentVersion[]> {
    const doc = await this.get(kbRef, documentId);
    return this.docs.versions(doc.kbId, doc.id);
  }

  async markdown(kbRef: string, documentId: string): Promise<string> {
    const doc = await this.get(kbRef, documentId);
    const md = await this.docs.currentMarkdown(doc.kbId, doc.id);
    if (md === null) {
      throw new AppError(
        'conflict',
        `Document "${documentId}" has no ready version yet (status: ${doc.latest.status}).`,
      );
    }
    return md;
  }

  async delete(kbRef: string, documentId: string): Promise<void> {
    const doc = await this.get(kbRef, documentId);
    await this.docs.delete(doc.kbId, doc.id);
  }
}

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/** Keeps the base name only, without control characters. */
export function sanitizeFilename(name: string): string {
  // Multer reads multipart filenames as latin1; browsers and curl send UTF-8.
  let n = name;
  const asUtf8 = Buffer.from(n, 'latin1').toString('utf8');
  if (!asUtf8.includes('\ufffd') && /[\u0080-\u00ff]/.test(n)) n = asUtf8;
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  const CONTROL = /[\u0000-\u001f\u007f]/g;
  n = n
    .replace(/^.*[\\/]/, '')
    .replace(CONTROL, '')
    .trim();
  return n.slice(0, 255) || 'untitled';
}
