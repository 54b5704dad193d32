// Renders every block type of the practice CMS to an HTML string, typed from the live schema.
// No hand-written type guards: pages narrow on their `type`, blocks on theirs, and a block type
// added to the CMS without a case here fails `tsc` (the `never` check at the end of the switch).
import type { Readable } from "openapi-typescript-helpers";
import type { components } from "./schema";

// As openapi-fetch hands responses out (Readable<>), so a page's body passes straight in.
type Schemas = { [Name in keyof components["schemas"]]: Readable<components["schemas"][Name]> };
export type ArticleBlock = Schemas["ArticleStreamBlock"][number];
export type PageBlock = Schemas["PageStreamBlock"][number];
export type HomeBlock = Schemas["HomeStreamBlock"][number];
type PageLink = Schemas["PageLink"];
type Image = Schemas["Image"];
type CallToAction = Schemas["CallToAction"];

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const html = (markup: Schemas["HTML"]): string => markup; // already final HTML from the CMS

function image(value: Image | null, alt?: string): string {
  if (value === null) return "";
  const srcset = Object.values(value.renditions)
    .map((rendition) => `${rendition.url} ${rendition.width}w`)
    .join(", ");
  return `<img src="${escape(value.url)}" srcset="${escape(srcset)}" width="${value.width}" height="${value.height}" alt="${escape(alt ?? value.alt)}">`;
}

function button(href: string, label: string): string {
  return `<a class="button" href="${escape(href)}">${escape(label)}</a>`;
}

function cta(value: CallToAction): string {
  return `<aside class="cta cta--${value.emphasis}"><h2>${escape(value.heading)}</h2><p>${escape(value.text)}</p>${button(value.button.href, value.button.label)}</aside>`;
}

function links(pages: (PageLink | null)[]): string {
  return `<ul>${pages
    .flatMap((page) => (page === null || page.url === null ? [] : [`<li><a href="${escape(page.url)}">${escape(page.title)}</a></li>`]))
    .join("")}</ul>`;
}

export function renderBlock(block: ArticleBlock | PageBlock | HomeBlock): string {
  switch (block.type) {
    case "heading":
      return `<${block.value.level} id="${escape(block.value.anchor)}">${escape(block.value.text)}</${block.value.level}>`;
    case "paragraph":
      return html(block.value);
    case "image": {
      const { value } = block;
      const caption = value.caption || value.credit;
      const img = image(value.image, value.decorative ? "" : undefined);
      return caption ? `<figure>${img}<figcaption>${escape(caption)}</figcaption></figure>` : img;
    }
    case "gallery":
      return `<div class="gallery">${block.value.images
        .map((item) => {
          const img = image(item.image, item.alt_text || undefined);
          return item.caption ? `<figure>${img}<figcaption>${escape(item.caption)}</figcaption></figure>` : `<figure>${img}</figure>`;
        })
        .join("")}</div>`;
    case "table": {
      const { caption, header_row, rows } = block.value;
      const row = (cells: string[], tag: "td" | "th"): string =>
        `<tr>${cells.map((cell) => `<${tag}>${escape(cell)}</${tag}>`).join("")}</tr>`;
      const [first, ...rest] = rows;
      const head = header_row && first ? `<thead>${row(first, "th")}</thead>` : "";
      const body = (header_row ? rest : rows).map((cells) => row(cells, "td")).join("");
      return `<table>${caption ? `<caption>${escape(caption)}</caption>` : ""}${head}<tbody>${body}</tbody></table>`;
    }
    case "code":
      return `<pre>${escape(block.value.text)}</pre>`;
    case "key_points":
      return `<section><h2>${escape(block.value.heading)}</h2><dl>${block.value.items
        .map((item) => `<dt>${escape(item.term)}</dt><dd>${html(item.text)}</dd>`)
        .join("")}</dl></section>`;
    case "steps":
      return `<ol>${block.value.steps
        .map((step) => `<li><h3>${escape(step.title)}</h3>${html(step.text)}</li>`)
        .join("")}</ol>`;
    case "quote": {
      const { value } = block;
      const cite = value.source_url ? ` cite="${escape(value.source_url)}"` : "";
      return `<blockquote${cite}><p>${escape(value.quote)}</p><footer>${escape(value.who)}</footer></blockquote>`;
    }
    case "callout":
      return `<aside class="callout callout--${block.value.kind}"><h2>${escape(block.value.heading)}</h2>${html(block.value.text)}</aside>`;
    case "embed":
      return `<a class="embed" href="${escape(block.value.url)}">${escape(block.value.title)} (${escape(block.value.host)})</a>`;
    case "faq":
      return `<section><h2>${escape(block.value.heading)}</h2>${block.value.items
        .map((item) => `<details><summary>${escape(item.question)}</summary>${html(item.answer)}</details>`)
        .join("")}</section>`;
    case "cta": {
      const { value } = block;
      if (value.source === "snippet") return cta(value.snippet);
      return `<aside class="cta"><h2>${escape(value.heading)}</h2><p>${escape(value.text)}</p>${button(value.button.href, value.button.label)}</aside>`;
    }
    case "author_bio": {
      const author = block.value.author;
      if (author === null) return "";
      return `<section class="author"><h2>${escape(block.value.heading || author.display_name)}</h2>${image(author.headshot)}${html(author.short_bio)}</section>`;
    }
    case "hero":
      return `<section class="hero"><h1>${escape(block.value.heading)}</h1>${html(block.value.text)}${image(block.value.image)}</section>`;
    case "services":
      return `<section><h2>${escape(block.value.heading)}</h2>${links(block.value.services)}</section>`;
    case "team":
      return `<section><h2>${escape(block.value.heading)}</h2>${links(block.value.therapists)}</section>`;
    case "fees":
    case "location":
      // Fees, hours and the address come from /api/v2/practice/, edited once in Practice settings.
      return `<section data-practice="${block.type}"><h2>${escape(block.value.heading)}</h2></section>`;
    case "latest_articles":
      return `<section data-latest="${block.value.count ?? 3}"><h2>${escape(block.value.heading)}</h2></section>`;
    case "consultation_form":
      return `<section id="consultation"><h2>${escape(block.value.heading)}</h2><p>${escape(block.value.intro)}</p></section>`;
    default: {
      const unhandled: never = block;
      throw new Error(`no renderer for ${JSON.stringify(unhandled)}`);
    }
  }
}
