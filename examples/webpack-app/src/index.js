// Entry of the example checkout page: React (no JSX, so no Babel is needed) and the Stripe calls.
import { createElement as h, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { formatPrice, total } from './cart.js'
import { createPaymentIntent, publishableKey } from './payments.js'

const ITEMS = [
  { id: 'mug', name: 'Mug', price: 1200, quantity: 2 },
  { id: 'tee', name: 'T-shirt', price: 2500, quantity: 1 },
]

function Checkout() {
  const [status, setStatus] = useState('idle')
  const amount = total(ITEMS)
  const pay = async () => {
    setStatus('paying')
    try {
      await createPaymentIntent(amount, 'eur')
      setStatus('paid')
    } catch (err) {
      setStatus(`failed: ${err.message}`)
    }
  }
  return h(
    'section',
    null,
    h('h1', null, 'Checkout'),
    h('ul', null, ITEMS.map((item) => h('li', { key: item.id }, `${item.quantity} × ${item.name}`))),
    h('p', null, `Total: ${formatPrice(amount)}`),
    h('button', { onClick: pay, disabled: status === 'paying', 'data-pk': publishableKey }, 'Pay'),
    h('p', { role: 'status' }, status),
  )
}

createRoot(document.getElementById('root')).render(h(Checkout))
