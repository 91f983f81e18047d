import { AppError } from '../errors.js'
import { StoreUnavailableError, type Store } from '../store/store.js'

function mapped (err: unknown): unknown {
  if (!(err instanceof StoreUnavailableError)) return err
  return new AppError('RO2KEY_STORE_UNAVAILABLE', {
    cause: err,
    detail: 'The grant store (DynamoDB) cannot be reached; try again later'
  })
}

/** The store with outages as 503 RO2KEY_STORE_UNAVAILABLE (with Retry-After), for the routes. */
export function guardedStore (store: Store): Store {
  const wrap = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    try {
      return await fn(...args)
    } catch (err) {
      throw mapped(err)
    }
  }
  return {
    putIfAbsent: wrap(store.putIfAbsent.bind(store)),
    transition: wrap(store.transition.bind(store)) as Store['transition'],
    get: wrap(store.get.bind(store)) as Store['get'],
    query: wrap(store.query.bind(store)) as Store['query']
  }
}
