"""Listeners: alerts raised by the strategy app are delivered to their subscribers."""
