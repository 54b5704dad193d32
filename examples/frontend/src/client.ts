// A strict client of the practice CMS: openapi-fetch over the generated paths.
import createClient, { type Client } from "openapi-fetch";
import type { Readable } from "openapi-typescript-helpers";
import type { components, paths } from "./schema";
import { escape, renderBlock, renderForm, type Block, type SiteData } from "./render.js";

type Schemas = components["schemas"];
type LeadRequest = Schemas["LeadRequest"];
export type Page = Readable<Schemas["PageDetail"]>;
export type Cms = Client<paths>;

export function connect(baseUrl: string): Cms {
  return createClient<paths>({ baseUrl });
}

/** Where `find` sent a path: a page of this API (by id), or somewhere else (an external link). */
export type Found = { kind: "page"; id: number } | { kind: "elsewhere"; location: string };

/** The page at a public path (`/about/`) or an old URL (`/?p=1724`) that moved. */
export async function findPage(cms: Cms, path: string): Promise<Found> {
  // find/ answers 302 (a page) or 301 (an old URL that moved) with the detail URL in Location.
  // `redirect: "manual"` shows that answer to a server (Node, a Next.js route handler, an Astro
  // endpoint). A browser gets an opaque redirect instead (status 0, no Location), so in a
  // browser prefer what the API already answered (a listing's or a card's `id` and
  // `meta.detail_url`, a menu's pages) and call find only for a path nobody has resolved;
  // there, let fetch follow the redirect and read the detail's URL from `response.url`.
  const found = await cms.GET("/api/v2/pages/find/", {
    params: { query: { html_path: path } },
    redirect: "manual",
  });
  // A 301 carries a JSON note as well (openapi-fetch hands it out as `error`, as any non-2xx).
  const { status, headers } = found.response;
  const location = status >= 300 && status < 400 ? headers.get("Location") : null;
  if (location === null) throw new Error(`find ${path}: ${status} ${found.error?.message ?? ""}`);
  const id = location.match(/\/api\/v2\/pages\/(\d+)\//)?.[1];
  return id === undefined ? { kind: "elsewhere", location } : { kind: "page", id: Number(id) };
}

export async function getPage(cms: Cms, id: number): Promise<Page> {
  const detail = await cms.GET("/api/v2/pages/{id}/", { params: { path: { id } } });
  if (detail.error) throw new Error(`page ${id}: ${detail.response.status} ${detail.error.message}`);
  return detail.data;
}

/** What every page's blocks need: the practice's details and the consultation form's words. */
export async function loadSite(cms: Cms): Promise<SiteData> {
  const [practice, form] = await Promise.all([
    cms.GET("/api/v2/practice/"),
    cms.GET("/api/v2/forms/consultation/"),
  ]);
  if (practice.error) throw new Error(`practice: ${practice.response.status} ${practice.error.message}`);
  if (form.error) throw new Error(`form: ${form.response.status} ${form.error.message}`);
  return { practice: practice.data, form: form.data };
}

/** A page as HTML, narrowed on its `type`; `block` renders each block of its body. */
export function renderPage(
  page: Page,
  site: SiteData,
  block: (value: Block) => string = (value) => renderBlock(value, site),
): string {
  switch (page.type) {
    case "blog.BlogPage": {
      const toc = page.show_table_of_contents
        ? `<nav>${page.table_of_contents.map((entry) => `<a href="#${entry.anchor}">${entry.text}</a>`).join("")}</nav>`
        : "";
      const related = page.related_articles
        .map((card) => `<li>${card.title}, ${card.date_published}, ${card.authors.map((a) => a.name).join(", ")}</li>`)
        .join("");
      return `<article><h1>${page.title}</h1>${toc}${page.body.map(block).join("")}<ul>${related}</ul><p>Updated ${page.meta.last_published_at ?? ""}</p></article>`;
    }
    case "home.HomePage":
    case "home.StandardPage":
      return `<main><h1>${page.title}</h1>${page.body.map(block).join("")}</main>`;
    case "home.ContactPage":
      // The intro, the form, then the optional content below it (as the CMS's own template).
      return `<main><h1>${page.title}</h1><p>${escape(page.intro)}</p><section id="consultation"><h2>${escape(page.form_heading)}</h2>${renderForm(site.form, { source_page: page.id })}</section>${page.body.map(block).join("")}</main>`;
    case "blog.BlogIndexPage":
      return `<main><h1>${page.title}</h1>${page.intro}</main>`;
    case "home.TeamIndexPage":
      return `<main><h1>${page.title}</h1><ul>${page.therapists.map((card) => `<li><a href="${card.url}">${card.title}</a></li>`).join("")}</ul></main>`;
    case "home.ServicesIndexPage":
      return `<main><h1>${page.title}</h1><ul>${page.services.map((card) => `<li><a href="${card.url}">${card.title}</a></li>`).join("")}</ul></main>`;
    case "home.TherapistPage": {
      const license = page.license_lookup_url ? `<a href="${page.license_lookup_url}">${page.license_number}</a>` : page.license_number;
      return `<main><h1>${page.title}, ${page.credentials}</h1><p>${license}</p>${page.short_bio}${page.long_bio}<ul>${page.specialties.map((item) => `<li>${item}</li>`).join("")}</ul></main>`;
    }
    case "home.ServicePage": {
      const related = page.related_articles.map((card) => `<li><a href="${card.url}">${card.title}</a></li>`).join("");
      return `<main><h1>${page.title}</h1>${page.what_it_is}${page.who_it_is_for}${page.what_to_expect}<ul>${related}</ul><a class="button" href="${page.call_to_action.button.href}">${page.call_to_action.button.label}</a></main>`;
    }
    default: {
      const unhandled: never = page;
      throw new Error(`no template for ${JSON.stringify(unhandled)}`);
    }
  }
}

/** The page at `path` as HTML: follows a redirect from an old URL. */
export async function renderPath(cms: Cms, path: string, site: SiteData): Promise<string> {
  const found = await findPage(cms, path);
  if (found.kind === "elsewhere") return `<p>Moved to <a href="${found.location}">${found.location}</a></p>`;
  return renderPage(await getPage(cms, found.id), site);
}

/** Posts a consultation request; the schema requires a phone unless the contact is by email. */
export async function postLead(cms: Cms, lead: LeadRequest): Promise<{ status: number; reference: string }> {
  const { data, error, response } = await cms.POST("/api/v2/leads/", { body: lead });
  if (data) return { status: response.status, reference: data.reference };
  const retry = response.headers.get("Retry-After");
  throw new Error(`${response.status}: ${error?.message ?? ""}${retry ? ` (retry in ${retry} s)` : ""}`);
}

export const byEmail: LeadRequest = {
  name: "Ana Example",
  email: "ana@example.com",
  preferred_contact: "email",
  consent: true,
};

export const byPhone: LeadRequest = {
  name: "Ben Example",
  email: "ben@example.com",
  phone: "(408) 555-0142",
  consent: true,
};

/** Counts a page view shown by this frontend (page id only; the CMS keeps no visitor data). */
export async function countView(cms: Cms, page: number): Promise<void> {
  const { error, response } = await cms.POST("/api/v2/views/", { body: { page } });
  if (error) throw new Error(`${response.status}: ${error.message}`);
}
