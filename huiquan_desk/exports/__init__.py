"""Ledgers: each declared once (exports.ledger.Ledger) and rendered by the Excel writer
(exports.xlsx) or the PDF writer (exports.pdf). No Qt, no database."""
