"""REST API of billing under /api/v1/: price lists, billing runs, invoices, credit notes,
exports and the Stripe webhook."""
