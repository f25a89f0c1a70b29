"""The Sectors tab: sector breadth heatmap and end-date table."""
