"""The HTTP service: the FastAPI app, its routes, and the query service behind them."""
