"""Billing: prices, peak quantities from the license ledger, invoices, exports, payments."""
