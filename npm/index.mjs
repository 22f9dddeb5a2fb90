// ESM entry of the Node API: the same functions as index.js.
import api from './index.js'

export const { scan, Scanner, rules, version, coreVersion } = api
export default api
