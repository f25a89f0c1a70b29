"""Test doubles: a fake yfinance download built to yfinance 1.7's real shapes."""
