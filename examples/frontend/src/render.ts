// Renders every block type of the practice CMS to an HTML string, typed from the live schema,
// and the consultation form from its description (`GET /api/v2/forms/consultation/`).
// No hand-written type guards: pages narrow on their `type`, blocks on theirs, form fields on their
// `input_type`, and a case the CMS adds without one here fails `tsc` (the `never` check at the end
// of each switch).
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
export type Block = ArticleBlock | PageBlock | HomeBlock;
export type ConsultationForm = Schemas["ConsultationForm"];
type FormField = Schemas["FormField"];
export type Practice = Schemas["Practice"];

/** What the blocks of every page share: the practice's details and the consultation form. */
export type SiteData = { practice: Practice; form: ConsultationForm };

/** Values for the form's hidden fields, from the page that shows it (`source_page`, `block_id`). */
export type Prefill = { [Name in FormField["name"]]?: string | number };

export const escape = (text: string): string =>
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

function formField(field: FormField, form: ConsultationForm, prefill: Prefill): string {
  const id = `lead-${field.name}`;
  const value = prefill[field.name] ?? field.initial;
  const valueAttr = value === null ? "" : ` value="${escape(String(value))}"`;
  const help = field.help_text ? `<small id="${id}-help">${escape(field.help_text)}</small>` : "";
  const attrs = [
    field.required ? " required" : "",
    field.max_length === null ? "" : ` maxlength="${field.max_length}"`,
    field.autocomplete === null ? "" : ` autocomplete="${escape(field.autocomplete)}"`,
    field.help_text ? ` aria-describedby="${id}-help"` : "",
    // A rule the browser cannot check by itself: the page's script (or the server) enforces it.
    field.required_when === null
      ? ""
      : ` data-required-when="${escape(field.required_when.field)}:${escape(field.required_when.in.join(","))}" data-required-message="${escape(field.required_when.message)}"`,
  ].join("");
  const label = `<label for="${id}">${escape(field.label)}</label>`;
  let control: string;
  switch (field.input_type) {
    case "hidden":
      return `<input type="hidden" name="${field.name}"${valueAttr}>`;
    case "checkbox": {
      // The consent box: its sentence and version come with the form, so the words the person
      // agrees to are the ones the server records with the lead.
      const privacy = form.consent.privacy_url
        ? ` <a href="${escape(form.consent.privacy_url)}">${escape(form.consent.privacy_link)}</a>: ${escape(form.consent.privacy_link_note)}`
        : "";
      return `<p><input type="checkbox" id="${id}" name="${field.name}" value="true" data-consent-version="${escape(form.consent.version)}"${attrs}> <label for="${id}">${escape(form.consent.text)}</label>${privacy}</p>`;
    }
    case "radio": {
      const choices = (field.choices ?? [])
        .map((choice, index) => {
          const checked = choice.value === value ? " checked" : "";
          return `<label><input type="radio" id="${id}-${index}" name="${field.name}" value="${escape(choice.value)}"${checked}${attrs}> ${escape(choice.label)}</label>`;
        })
        .join("");
      return `<fieldset><legend>${escape(field.label)}</legend>${choices}${help}</fieldset>`;
    }
    case "textarea":
      control = `<textarea id="${id}" name="${field.name}"${attrs}>${value === null ? "" : escape(String(value))}</textarea>`;
      break;
    case "text":
    case "email":
    case "tel":
    case "number":
    case "url":
      control = `<input type="${field.input_type}" id="${id}" name="${field.name}"${valueAttr}${attrs}>`;
      break;
    default: {
      const unhandled: never = field.input_type;
      throw new Error(`no control for ${JSON.stringify(unhandled)}`);
    }
  }
  switch (field.source) {
    case "person":
    case "attribution":
      return `<p>${label}${control}${help}</p>`;
    case "spam check":
      // The honeypot: people never see it, bots fill it in.
      return `<p class="visually-hidden" aria-hidden="true">${label}${control.replace("<input ", '<input tabindex="-1" ')}</p>`;
    default: {
      const unhandled: never = field.source;
      throw new Error(`no place for ${JSON.stringify(unhandled)}`);
    }
  }
}

/** The consultation form, field for field as the CMS's own HTML form (it posts JSON to `action`). */
export function renderForm(form: ConsultationForm, prefill: Prefill = {}): string {
  const fields = form.fields.map((field) => formField(field, form, prefill)).join("");
  const recaptcha = form.recaptcha.enabled && form.recaptcha.site_key
    ? ` data-recaptcha="${escape(form.recaptcha.version ?? "")}:${escape(form.recaptcha.site_key)}"`
    : "";
  return `<form method="${form.method.toLowerCase()}" action="${escape(form.action)}" data-form="${form.name}"${recaptcha}><p>${escape(form.privacy_note)}</p>${fields}<button type="submit">${escape(form.submit_label)}</button></form><template data-thank-you><h2>${escape(form.thank_you.heading)}</h2><p>${escape(form.thank_you.text)}</p></template>`;
}

function money(amount: number | null): string {
  return amount === null ? "" : `$${amount}`;
}

export function renderBlock(block: Block, site: SiteData): string {
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
    // Fees, hours and the address come from /api/v2/practice/, edited once in Practice settings.
    case "fees": {
      const { practice } = site;
      const fees = practice.fees
        .map(({ value }) => `<li>${escape(value.session_type)}${value.minutes === null ? "" : ` (${value.minutes} min)`}: ${money(value.price)}${value.note ? `, ${escape(value.note)}` : ""}</li>`)
        .join("");
      return `<section data-practice="fees"><h2>${escape(block.value.heading)}</h2>${block.value.text ? `<p>${escape(block.value.text)}</p>` : ""}<p>${escape(practice.free_consultation)}</p><ul>${fees}</ul><p>${escape(practice.insurance)}</p></section>`;
    }
    case "location": {
      const { practice } = site;
      const hours = practice.opening_hours
        .map(({ value }) => `<tr><th>${value.day}</th><td>${escape(value.opens)}-${escape(value.closes)}</td></tr>`)
        .join("");
      return `<section data-practice="location"><h2>${escape(block.value.heading)}</h2><address>${escape(practice.address.one_line)}<br><a href="${escape(practice.phone_href)}">${escape(practice.phone)}</a></address><table>${hours}</table>${image(practice.map_image)}</section>`;
    }
    case "latest_articles":
      return `<section data-latest="${block.value.count ?? 3}"><h2>${escape(block.value.heading)}</h2></section>`;
    case "consultation_form": {
      const prefill: Prefill = block.id === null ? {} : { block_id: block.id };
      return `<section id="consultation"><h2>${escape(block.value.heading || site.form.heading)}</h2><p>${escape(block.value.intro)}</p>${renderForm(site.form, prefill)}</section>`;
    }
    default: {
      const unhandled: never = block;
      throw new Error(`no renderer for ${JSON.stringify(unhandled)}`);
    }
  }
}
