"""Reports: report packs, channels (e-mail, Slack, Teams, webhooks), subscriptions, deliveries and share links."""
