"""A small hand-made corpus: three obvious topics, ten texts each (delivery, refunds, login)."""

DELIVERY = [
    "My parcel delivery is late again, the courier never came",
    "The delivery took three weeks and the parcel arrived damaged",
    "Courier left my parcel at the wrong address, delivery was a mess",
    "Where is my delivery? The parcel tracking has not moved for days",
    "Delivery was late and the courier was rude at the door",
    "Please offer faster delivery, waiting a week for a parcel is too long",
    "The parcel delivery window of eight hours is useless",
    "My delivery was marked as delivered but no parcel arrived",
    "Courier could not find my house so the delivery failed twice",
    "Express delivery still took five days for a small parcel",
]
REFUND = [
    "I asked for a refund two weeks ago and my money is still not back",
    "The refund for my returned order never reached my bank account",
    "How long does a refund take? I returned the item and want my money",
    "Your refund policy is confusing, I was charged twice and need a refund",
    "Still waiting for the refund of my cancelled order, please send my money",
    "Refund was only partial, I want the full money back",
    "I was promised a refund to my card but nothing arrived",
    "Getting a refund is far too hard, the money should come back faster",
    "Refund request rejected without reason even though I returned it",
    "Please process my refund, the money for the broken item is overdue",
]
LOGIN = [
    "I cannot log in to the app, the password reset email never comes",
    "Login fails with an error after I changed my password",
    "The app keeps logging me out and asking for my password",
    "Two factor login code arrives too late so I cannot sign in",
    "Password reset link is expired every time I try to log in",
    "I am locked out of my account, login says wrong password",
    "Sign in with my password does not work on the new app version",
    "The login screen freezes after I type my password",
    "Forgot password flow is broken, I cannot log in at all",
    "Every login asks me to reset my password again",
]
TOPICS = {"delivery": DELIVERY, "refund": REFUND, "login": LOGIN}
TEXTS = DELIVERY + REFUND + LOGIN
TRUTH = [0] * 10 + [1] * 10 + [2] * 10
