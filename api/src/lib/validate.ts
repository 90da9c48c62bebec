import { zValidator } from '@hono/zod-validator'
import type { ZodType } from 'zod'
import { validationError } from '../errors.ts'

// zod-validated inputs that fail become 400 validation_failed with the issues as details.
export const validateJson = <T extends ZodType>(schema: T) =>
  zValidator('json', schema, (result) => {
    if (!result.success) throw validationError(result.error)
  })

export const validateQuery = <T extends ZodType>(schema: T) =>
  zValidator('query', schema, (result) => {
    if (!result.success) throw validationError(result.error)
  })

export const validateParams = <T extends ZodType>(schema: T) =>
  zValidator('param', schema, (result) => {
    if (!result.success) throw validationError(result.error)
  })
