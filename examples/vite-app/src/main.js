// The example's entry: a checkout page that talks to Stripe from the browser.
import './style.css'
import { createPaymentIntent, publishableKey } from './payments.js'

const status = document.getElementById('status')
status.textContent = publishableKey ? 'Ready to pay.' : 'No Stripe key configured.'

document.getElementById('pay').addEventListener('click', async () => {
  status.textContent = 'Paying…'
  try {
    const intent = await createPaymentIntent(1200, 'eur')
    status.textContent = `Payment ${intent.id} created.`
  } catch (err) {
    status.textContent = `Payment failed: ${err.message}`
  }
})
