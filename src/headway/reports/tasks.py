"""The reports app's background work: deliveries and scheduled packs."""
