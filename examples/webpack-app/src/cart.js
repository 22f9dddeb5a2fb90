// A tiny cart model so the example bundles more than one module of its own.
export function total(items) {
  return items.reduce((sum, item) => sum + item.price * item.quantity, 0)
}

export function formatPrice(cents, currency = 'EUR') {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(cents / 100)
}
