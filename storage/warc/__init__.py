"""Web archives: WARC from the browser's HAR, revisit records, and WACZ bundles."""
