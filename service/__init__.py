"""The service layer: reads the store, computes with indicators, memoizes per data version."""
