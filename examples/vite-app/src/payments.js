// Payments, written the way a hurried prototype often is: the publishable key is fine in a
// browser, but creating a PaymentIntent needs the SECRET key, so someone reached for it through
// import.meta.env. Vite inlines every VITE_ variable into the bundle: that secret would ship to
// every visitor. secretgate fails the build here; the fix is to move this call to a server.
export const publishableKey = import.meta.env.VITE_STRIPE_PUBLISHABLE_KEY

export async function createPaymentIntent(amount, currency) {
  const res = await fetch('https://api.stripe.com/v1/payment_intents', {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${import.meta.env.VITE_STRIPE_SECRET_KEY}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ amount: String(amount), currency }),
  })
  if (!res.ok) throw new Error(`Stripe answered ${res.status}`)
  return res.json()
}
