"""breadth"""
