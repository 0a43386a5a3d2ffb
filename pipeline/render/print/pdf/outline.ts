/**
 * The PDF outline (bookmarks): 目录, then 篇 → 章 → paper. A part without 章 (implicit chapter,
 * null title) has its papers directly under the 篇. Titles are UTF-16 hex strings so Chinese
 * shows in every viewer; destinations go to the top of the physical page the page map gives.
 */
import { PDFArray, PDFDocument, PDFHexString, PDFName, PDFNull, PDFNumber, type PDFRef } from 'pdf-lib';
import { isUntitledPart, type PageMap, type Volume } from '../../../model/types.ts';
import { chapterHeading, partHeading } from '../../html.ts';
import { JuanError } from '../../../report/errors.ts';

export interface OutlineNode {
  title: string;
  /** 1-based physical page. */
  page: number;
  open: boolean;
  children: OutlineNode[];
}

function targetPage(pageMap: PageMap, id: string): number | null {
  return pageMap.targets[id]?.page ?? null;
}

/** The outline tree from the model and the page map. */
export function outlineTree(volume: Volume, pageMap: PageMap): OutlineNode[] {
  const nodes: OutlineNode[] = [];
  const tocPage =
    targetPage(pageMap, 'toc') ?? pageMap.pages.find((p) => p.section === 'front' && p.printed && !p.blank)?.page ?? null;
  if (tocPage != null) nodes.push({ title: '目录', page: tocPage, open: false, children: [] });
  for (const part of volume.parts) {
    const partChildren: OutlineNode[] = [];
    for (const chapter of part.chapters) {
      const papers = chapter.papers.map((paper): OutlineNode => {
        const page = targetPage(pageMap, paper.id);
        if (page == null) {
          throw new JuanError('render', `页面映射中没有论文「${paper.title}」（${paper.id}）的位置，无法生成书签`, {
            source: 'print:postprocess',
            hint: '这是排版程序的问题：page map 应当为每篇论文记录起始页',
          });
        }
        return { title: paper.title, page, open: false, children: [] };
      });
      const heading = chapterHeading(chapter);
      if (heading && papers.length) {
        partChildren.push({ title: heading, page: targetPage(pageMap, chapter.id) ?? papers[0]!.page, open: false, children: papers });
      } else {
        partChildren.push(...papers);
      }
    }
    if (!partChildren.length) continue;
    if (isUntitledPart(part)) { nodes.push(...partChildren); continue; }
    nodes.push({ title: partHeading(part), page: targetPage(pageMap, part.id) ?? partChildren[0]!.page, open: true, children: partChildren });
  }
  return nodes;
}

/** Number of items visible below a node (what `/Count` holds for an open item). */
function visible(nodes: OutlineNode[]): number {
  return nodes.reduce((n, node) => n + 1 + (node.open ? visible(node.children) : 0), 0);
}

export function setOutline(doc: PDFDocument, nodes: OutlineNode[]): void {
  if (!nodes.length) return;
  const { context } = doc;
  const pages = doc.getPages();
  const rootRef = context.nextRef();

  const write = (list: OutlineNode[], parent: PDFRef): { first: PDFRef; last: PDFRef } => {
    const refs = list.map(() => context.nextRef());
    list.forEach((node, i) => {
      const page = pages[node.page - 1];
      if (!page) {
        throw new JuanError('render', `书签「${node.title}」指向第 ${node.page} 页，但 PDF 只有 ${pages.length} 页`, {
          source: 'print:postprocess',
        });
      }
      const dest = PDFArray.withContext(context);
      dest.push(page.ref);
      dest.push(PDFName.of('XYZ'));
      dest.push(PDFNull);
      dest.push(PDFNumber.of(page.getMediaBox().y + page.getMediaBox().height));
      dest.push(PDFNull);
      const dict = context.obj({});
      dict.set(PDFName.of('Title'), PDFHexString.fromText(node.title));
      dict.set(PDFName.of('Parent'), parent);
      dict.set(PDFName.of('Dest'), dest);
      if (i > 0) dict.set(PDFName.of('Prev'), refs[i - 1]!);
      if (i < list.length - 1) dict.set(PDFName.of('Next'), refs[i + 1]!);
      if (node.children.length) {
        const { first, last } = write(node.children, refs[i]!);
        dict.set(PDFName.of('First'), first);
        dict.set(PDFName.of('Last'), last);
        const count = node.open ? visible(node.children) : -node.children.length;
        dict.set(PDFName.of('Count'), PDFNumber.of(count));
      }
      context.assign(refs[i]!, dict);
    });
    return { first: refs[0]!, last: refs[refs.length - 1]! };
  };

  const { first, last } = write(nodes, rootRef);
  const root = context.obj({});
  root.set(PDFName.of('Type'), PDFName.of('Outlines'));
  root.set(PDFName.of('First'), first);
  root.set(PDFName.of('Last'), last);
  root.set(PDFName.of('Count'), PDFNumber.of(visible(nodes)));
  context.assign(rootRef, root);
  doc.catalog.set(PDFName.of('Outlines'), rootRef);
  doc.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
}
