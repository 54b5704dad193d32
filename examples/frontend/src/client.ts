// A strict client of the practice CMS: openapi-fetch over the generated paths.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";
import { renderBlock } from "./render";

type Schemas = components["schemas"];
type LeadRequest = Schemas["LeadRequest"];

export const cms = createClient<paths>({ baseUrl: "http://127.0.0.1:8000" });

/** The page at `path` as HTML: follows a redirect from an old URL, narrows on the page type. */
export async function renderPath(path: string): Promise<string> {
  // find/ answers 302 (a page) or 301 (an old URL that moved) with the detail URL in Location.
  const found = await cms.GET("/api/v2/pages/find/", {
    params: { query: { html_path: path } },
    redirect: "manual",
  });
  if (found.error) return `<p>${found.error.message}</p>`;
  const id = Number(found.response.headers.get("Location")?.match(/\/pages\/(\d+)\//)?.[1]);
  const detail = await cms.GET("/api/v2/pages/{id}/", { params: { path: { id } } });
  if (detail.error) return `<p>${detail.error.message}</p>`;
  const page = detail.data;
  switch (page.type) {
    case "blog.BlogPage": {
      const toc = page.show_table_of_contents
        ? `<nav>${page.table_of_contents.map((entry) => `<a href="#${entry.anchor}">${entry.text}</a>`).join("")}</nav>`
        : "";
      const related = page.related_articles
        .map((card) => `<li>${card.title}, ${card.date_published}, ${card.authors.map((a) => a.name).join(", ")}</li>`)
        .join("");
      return `<article><h1>${page.title}</h1>${toc}${page.body.map(renderBlock).join("")}<ul>${related}</ul><p>Updated ${page.meta.last_published_at ?? ""}</p></article>`;
    }
    case "home.HomePage":
    case "home.StandardPage":
      return `<main><h1>${page.title}</h1>${page.body.map(renderBlock).join("")}</main>`;
    case "home.ContactPage":
    case "blog.BlogIndexPage":
      return `<main><h1>${page.title}</h1></main>`;
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

/** Posts a consultation request; the schema requires a phone unless the contact is by email. */
export async function postLead(lead: LeadRequest): Promise<string> {
  const { data, error, response } = await cms.POST("/api/v2/leads/", { body: lead });
  if (data) return data.reference;
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
export async function countView(page: number): Promise<void> {
  const { error, response } = await cms.POST("/api/v2/views/", { body: { page } });
  if (error) throw new Error(`${response.status}: ${error.message}`);
}
