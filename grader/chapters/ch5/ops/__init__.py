"""Worker operations of this chapter: `<chapter>/<op>` requests, one module per op with `handle`."""
