// The example's entry: a checkout page that talks to Stripe from the browser.
import './style.css'
import { createPaymentIntent, publishableKey } from './payments.js'

const status = document.getElementById('status')
// Stripe.js (loaded from js.stripe.com in production) only ever needs the publishable key
const stripe = window.Stripe ? window.Stripe(publishableKey) : null
status.textContent = stripe ? 'Ready to pay.' : 'Stripe.js is not loaded.'

document.getElementById('pay').addEventListener('click', async () => {
  status.textContent = 'Paying…'
  try {
    const intent = await createPaymentIntent(1200, 'eur')
    status.textContent = `Payment ${intent.id} created.`
  } catch (err) {
    status.textContent = `Payment failed: ${err.message}`
  }
})
