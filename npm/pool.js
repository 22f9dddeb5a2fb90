'use strict'
// A small worker_threads pool for the CLI: N threads, each with its own core instance. Results
// come back keyed by task index, so the report's order never depends on scheduling. A thread that
// dies (or whose core trapped) costs only the file it was scanning, which becomes an error
// ("could not judge"); the pool starts a fresh thread and goes on.
const os = require('node:os')
const path = require('node:path')
const { Worker } = require('node:worker_threads')
const { wasmModule } = require('./wasm-module.js')

const WORKER_FILE = path.join(__dirname, 'worker.js')
/** Files sent to a thread before it answers: one being scanned, one waiting. */
const AHEAD = 2

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
 * Start `jobs` scanning threads now, before there is work for them: a thread takes about as long
 * to start and load its core as the CLI takes to walk the folders, so both happen at once.
 * Returns { run(tasks), close() }. `run` (once) scans `tasks` (objects with at least `path` and
 * `display`) and resolves to an array of results in task order; each result is the worker's
 * answer or `{ error }`. It rejects with a PoolError only when no worker can start at all (e.g.
 * the core fails to load). `onProgress(done, total)` is called after each file. `close()`
 * stops the threads of a pool that will not run.
 */
function startPool({ jobs = defaultJobs(), workerData = {}, onProgress = null, workerFile = WORKER_FILE } = {}) {
  let tasks = null
  let results = []
  let order = []
  let next = 0
  const requeued = []
  let done = 0
  let finished = false
  let failure = null
  let settle = null
  let initFailures = 0
  const live = new Set()

  const finish = (err) => {
    if (finished) return
    finished = true
    failure = err || null
    const closing = [...live].map((s) => s.worker.terminate().catch(() => {}))
    live.clear()
    Promise.all(closing).then(() => {
      if (settle) settle()
    })
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
    const slot = { worker: null, queue: [], ready: false, dead: false }
    slot.worker = new Worker(workerFile, { workerData, resourceLimits: { stackSizeMb: 64 } })
    live.add(slot)

    const dispatch = () => {
      if (!tasks || !slot.ready) return
      // keep AHEAD tasks on each thread, so it never waits for the main thread between files
      while (!finished && !slot.dead && slot.queue.length < AHEAD) {
        const index = requeued.length ? requeued.shift() : next < tasks.length ? order[next++] : -1
        if (index === -1) break
        slot.queue.push(index)
        slot.worker.postMessage({ type: 'scan', id: index, task: tasks[index] })
      }
      if (!finished && !slot.dead && slot.queue.length === 0) {
        slot.dead = true
        live.delete(slot)
        slot.worker.terminate().catch(() => {})
      }
    }
    slot.dispatch = dispatch

    const die = (reason) => {
      if (slot.dead) return
      slot.dead = true
      live.delete(slot)
      slot.worker.terminate().catch(() => {})
      // the file it was scanning is not judged; the files queued behind it go to another thread
      const [current, ...queued] = slot.queue.filter((i) => results[i] === undefined)
      slot.queue = []
      if (current !== undefined) {
        const task = tasks[current]
        complete(current, { error: { file: task.display, code: 'internal', message: `the scanning thread died on this file (${reason})` } })
      }
      requeued.push(...queued)
      const work = !tasks || next < tasks.length || requeued.length > 0
      if (!finished && (work || live.size === 0) && (!tasks || done < tasks.length)) spawn()
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
        slot.queue = slot.queue.filter((i) => i !== msg.id)
        complete(msg.id, msg.result)
        if (msg.fatal) {
          // the files queued behind are not this one's fault: another thread scans them
          requeued.push(...slot.queue)
          slot.queue = []
          die('replaced after an internal error')
        } else dispatch()
      }
    })
    slot.worker.on('error', (err) => die(String((err && err.message) || err).split('\n')[0]))
    slot.worker.on('exit', (code) => {
      if (!slot.dead) die(`exit code ${code}`)
    })
  }

  // one compile for every thread: they share V8's compiled and optimised code
  try {
    workerData = { ...workerData, wasmModule: wasmModule() }
  } catch {
    // the threads load the core themselves, and say why they cannot
  }
  for (let i = 0; i < Math.max(1, jobs); i++) spawn()

  return {
    run(list) {
      if (tasks) throw new Error('a pool runs once')
      tasks = list
      results = new Array(tasks.length)
      // biggest files first, so one huge bundle does not start last and leave the other threads
      // idle at the end; results still land at their task's index
      order = tasks.map((_, i) => i).sort((a, b) => (tasks[b].size || 0) - (tasks[a].size || 0) || a - b)
      return new Promise((resolve, reject) => {
        settle = () => (failure ? reject(failure) : resolve(results))
        if (tasks.length === 0) finish()
        if (finished) {
          // failed before the work came (or nothing to do): settle once the threads are gone
          if (live.size === 0) settle()
          return
        }
        for (const slot of [...live]) slot.dispatch()
      })
    },
    close() {
      finish()
    },
  }
}

module.exports = { startPool, defaultJobs, PoolError, WORKER_FILE }
