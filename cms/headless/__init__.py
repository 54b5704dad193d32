"""The generic headless API machinery: endpoint base classes (pages, images, documents, snippets,
preview), schema-bearing fields, image/page/snippet representations, preview tokens and the
OpenAPI generator; apps build their endpoints on it, and it imports no app of the project."""
