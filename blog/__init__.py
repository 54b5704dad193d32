"""Articles: the blog index and article pages, authors, categories, article blocks, feeds, the
importer of existing articles, and their API endpoints and filters."""
