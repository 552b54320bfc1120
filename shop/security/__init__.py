"""Protections of the shop against hostile visitors, spanning its apps."""
