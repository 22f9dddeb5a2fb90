'use strict'
// A small worker_threads pool for the CLI: N threads, each with its own core instance. Results
// come back keyed by task index, so the report's order never depends on scheduling. A thread that
// dies (or whose core trapped) costs only the file it was scanning, which becomes an error
// ("could not judge"); the pool starts a fresh thread and goes on.
const os = require('node:os')
const path = require('node:path')
const { Worker } = require('node:worker_threads')

const WORKER_FILE = path.join(__dirname, 'worker.js')

function defaultJobs() {
  return (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length) || 1
}

class PoolError extends Error {
  constructor(message) {
    super(message)
    this.code = 'SECRETGATE_POOL'
  }
}

/**
 * Scan `tasks` (objects with at least `path` and `display`) on `jobs` threads. Resolves to an
 * array of results in task order; each result is the worker's answer or `{ error }`. Rejects
 * with a PoolError only when no worker can start at all (e.g. the core fails to load).
 * `onProgress(done, total)` is called after each file.
 */
function runPool(tasks, { jobs = defaultJobs(), workerData = {}, onProgress = null, workerFile = WORKER_FILE } = {}) {
  return new Promise((resolve, reject) => {
    const results = new Array(tasks.length)
    const size = Math.max(1, Math.min(jobs, tasks.length))
    let next = 0
    let done = 0
    let finished = false
    let initFailures = 0
    const live = new Set()
    // biggest files first, so one huge bundle does not start last and leave the other threads
    // idle at the end; results still land at their task's index
    const order = tasks.map((_, i) => i).sort((a, b) => (tasks[b].size || 0) - (tasks[a].size || 0) || a - b)

    if (tasks.length === 0) return resolve(results)

    const finish = (err) => {
      if (finished) return
      finished = true
      const closing = [...live].map((s) => s.worker.terminate().catch(() => {}))
      live.clear()
      Promise.all(closing).then(() => (err ? reject(err) : resolve(results)))
    }

    const complete = (index, result) => {
      if (results[index] !== undefined) return
      results[index] = result
      done++
      if (onProgress) onProgress(done, tasks.length)
      if (done === tasks.length) finish()
    }

    const spawn = () => {
      if (finished) return
      const slot = { worker: null, index: -1, ready: false, dead: false }
      slot.worker = new Worker(workerFile, { workerData, resourceLimits: { stackSizeMb: 64 } })
      live.add(slot)

      const dispatch = () => {
        if (finished || slot.dead) return
        if (next >= tasks.length) {
          slot.dead = true
          live.delete(slot)
          slot.worker.terminate().catch(() => {})
          return
        }
        slot.index = order[next++]
        slot.worker.postMessage({ type: 'scan', id: slot.index, task: tasks[slot.index] })
      }

      const die = (reason) => {
        if (slot.dead) return
        slot.dead = true
        live.delete(slot)
        slot.worker.terminate().catch(() => {})
        if (slot.index >= 0 && results[slot.index] === undefined) {
          const task = tasks[slot.index]
          complete(slot.index, { error: { file: task.display, code: 'internal', message: `the scanning thread died on this file (${reason})` } })
        }
        if (!finished && (next < tasks.length || live.size === 0) && done < tasks.length) spawn()
      }

      slot.worker.on('message', (msg) => {
        if (msg.type === 'ready') {
          slot.ready = true
          initFailures = 0
          dispatch()
        } else if (msg.type === 'init-error') {
          slot.dead = true
          live.delete(slot)
          slot.worker.terminate().catch(() => {})
          if (++initFailures >= 3 || !slot.ready) finish(new PoolError(`cannot start the scanner: ${msg.message}`))
        } else if (msg.type === 'result') {
          const index = slot.index
          slot.index = -1
          complete(index, msg.result)
          if (msg.fatal) die('replaced after an internal error')
          else dispatch()
        }
      })
      slot.worker.on('error', (err) => die(String((err && err.message) || err).split('\n')[0]))
      slot.worker.on('exit', (code) => { if (!slot.dead) die(`exit code ${code}`) })
    }

    for (let i = 0; i < size; i++) spawn()
  })
}

module.exports = { runPool, defaultJobs, PoolError, WORKER_FILE }
