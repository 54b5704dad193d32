// The example end to end against a running CMS, as a site build would do it: every page of the
// pages listing found by its path and rendered (every block through `renderBlock`), old paths
// followed through `find`, the consultation form rendered from `forms/consultation/`, and one
// lead posted with `postLead`. Prints one JSON report on stdout; any failure exits non-zero.
//
//     node build/run.js http://127.0.0.1:8000 visitor@example.com [/old-path/ ...]
import type { Readable } from "openapi-typescript-helpers";
import type { components } from "./schema";
import { byPhone, connect, findPage, getPage, loadSite, postLead, renderPage, type Cms } from "./client.js";
import { renderBlock, renderForm, type Block } from "./render.js";

// Node's own globals, as far as this script uses them (the example carries no @types/node).
declare const process: { argv: string[]; exitCode?: number };

type ListItem = Readable<components["schemas"]["PageListItem"]>;

async function listPages(cms: Cms): Promise<ListItem[]> {
  const items: ListItem[] = [];
  for (;;) {
    const { data, error, response } = await cms.GET("/api/v2/pages/", {
      params: { query: { limit: 50, offset: items.length } },
    });
    if (error) throw new Error(`pages: ${response.status} ${error.message}`);
    items.push(...data.items);
    if (data.items.length === 0 || items.length >= data.meta.total_count) return items;
  }
}

async function main(baseUrl: string, email: string, oldPaths: string[]): Promise<void> {
  const cms = connect(baseUrl);
  const site = await loadSite(cms);
  const rendered = new Map<string, number>();
  const block = (value: Block): string => {
    const html = renderBlock(value, site);
    // Counted only when it shows something: a case that renders nothing is not rendered.
    if (html.trim() !== "") rendered.set(value.type, (rendered.get(value.type) ?? 0) + 1);
    return html;
  };

  const pages: Record<string, { type: string; path: string | null; html: string }> = {};
  const listed = await listPages(cms);
  for (const item of listed) {
    const url = item.meta?.html_url ?? null;
    const path = url === null ? null : new URL(url).pathname;
    if (path !== null) {
      const found = await findPage(cms, path);
      if (found.kind !== "page" || found.id !== item.id) {
        throw new Error(`find ${path} answered ${JSON.stringify(found)}, not page ${item.id}`);
      }
    }
    const page = await getPage(cms, item.id);
    if (page.type !== item.type) throw new Error(`page ${item.id} is ${page.type}, listed as ${item.type}`);
    pages[String(item.id)] = { type: page.type, path, html: renderPage(page, site, block) };
  }

  const moved: Record<string, number | string> = {};
  for (const old of oldPaths) {
    const found = await findPage(cms, old);
    moved[old] = found.kind === "page" ? found.id : found.location;
  }

  const contact = listed.find((item) => item.type === "home.ContactPage");
  const lead = {
    ...byPhone,
    email,
    preferred_times: "Weekday evenings",
    source_page: contact === undefined ? null : contact.id,
  };
  for (const name of Object.keys(lead)) {
    if (!site.form.fields.some((field) => field.name === name)) {
      throw new Error(`the lead sends ${name}, which the form does not describe`);
    }
  }
  const posted = await postLead(cms, lead);

  const report = {
    pages,
    block_types: [...rendered.keys()].sort(),
    moved,
    form: { fields: site.form.fields.map((field) => field.name), html: renderForm(site.form) },
    lead: posted,
  };
  console.log(JSON.stringify(report));
}

const [baseUrl, email, ...oldPaths] = process.argv.slice(2);
if (baseUrl === undefined || email === undefined) {
  console.error("usage: node run.js BASE_URL LEAD_EMAIL [OLD_PATH ...]");
  process.exitCode = 2;
} else {
  main(baseUrl, email, oldPaths).catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  });
}
