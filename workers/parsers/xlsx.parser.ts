// XLSX via exceljs: every visible sheet, in tab order, as a heading followed by its tables and
// then its charts and pictures.
import * as ExcelJS from 'exceljs';
import { asCorrupt, openOoxml } from './ooxml-package';
import { OoxmlParts } from './ooxml-parts';
import { ParseError, type Block, type ParsedDocument, type Parser, type ParserInput } from './parsed-document';
import { cellText } from './xlsx-cell-text';
import { sheetDrawings } from './xlsx-drawings';
import { checkMergedArea } from './xlsx-merge-guard';
import { cellKey, sheetBlocks, type SheetCells } from './xlsx-regions';

export class XlsxParser implements Parser {
  readonly format = 'xlsx' as const;

  async parse(input: ParserInput): Promise<ParsedDocument> {
    await openOoxml(input.bytes, 'xlsx', { password: input.password });
    const workbook = new ExcelJS.Workbook();
    let drawings: Map<string, Block[]>;
    try {
      const parts = await OoxmlParts.load(input.bytes);
      await checkMergedArea(parts);
      await workbook.xlsx.load(input.bytes as unknown as ExcelJS.Buffer);
      drawings = await sheetDrawings(parts);
    } catch (err) {
      throw asCorrupt(err, 'xlsx');
    }
    const date1904 = Boolean((workbook.properties as { date1904?: boolean }).date1904);
    const blocks: Block[] = [];
    const sheets: string[] = [];
    const hiddenSheets: string[] = [];
    for (const ws of workbook.worksheets) {
      // Hidden sheets hold lookup tables and scratch work nobody reads; say so in metadata instead.
      if (ws.state !== 'visible') {
        hiddenSheets.push(ws.name);
        continue;
      }
      const content = [...sheetBlocks(ws.name, readCells(ws, date1904)), ...(drawings.get(ws.name) ?? [])];
      if (!content.length) continue;
      sheets.push(ws.name);
      blocks.push({ kind: 'heading', level: 1, text: ws.name, prov: { sheet: ws.name } }, ...content);
    }
    if (!blocks.length) throw new ParseError('empty', 'The workbook has no cells with values in its visible sheets.');
    const stem = input.filename.replace(/\.[^./\\]+$/, '') || input.filename;
    return {
      // A sheet name ("Sheet1") is no title; the workbook's own title property or the file name is.
      title: workbook.title?.trim() || stem,
      blocks,
      metadata: { parser: 'exceljs', sheets, ...(hiddenSheets.length ? { hiddenSheets } : {}) },
    };
  }
}

function readCells(ws: ExcelJS.Worksheet, date1904: boolean): SheetCells {
  const cells: SheetCells = new Map();
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    row.eachCell({ includeEmpty: false }, (cell, colNumber) => {
      // exceljs reports the master's value in every cell of a merged range; keep it once, but
      // keep the other cells as occupied so the range still holds its table together.
      const mergedAway = cell.isMerged && cell.master.address !== cell.address;
      const text = mergedAway ? { text: '', numeric: false } : cellText(cell.value, cell.numFmt, date1904);
      if (mergedAway || text.text.trim()) cells.set(cellKey(rowNumber, colNumber), text);
    });
  });
  return cells;
}
