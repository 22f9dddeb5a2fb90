// The classic mistake this example exists to show: the browser talks to Stripe with the SECRET key,
// which DefinePlugin inlines from the build machine's environment. Only the publishable key belongs here.
const STRIPE_API = 'https://api.stripe.com/v1'

export async function createPaymentIntent(amount, currency) {
  const res = await fetch(`${STRIPE_API}/payment_intents`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${process.env.STRIPE_SECRET_KEY}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ amount: String(amount), currency }),
  })
  if (!res.ok) throw new Error(`Stripe answered ${res.status}`)
  return res.json()
}

export const publishableKey = process.env.STRIPE_PUBLISHABLE_KEY
