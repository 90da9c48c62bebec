import { useQuery } from '@tanstack/react-query'
import { getSavedDayPlan, getVisitReport, getVisitSuggestions, listVisitReps } from '../../api'

export const visitKeys = {
  reps: ['visits', 'reps'] as const,
  suggestions: (repId: number | undefined, date: string, origin: Origin | null) =>
    ['visits', 'suggestions', repId ?? 0, date, origin?.lng ?? null, origin?.lat ?? null] as const,
  plan: (repId: number | undefined, date: string) => ['visits', 'plan', repId ?? 0, date] as const,
  report: (weekStart: string, weeks: number) => ['visits', 'report', weekStart, weeks] as const,
}

export function useVisitReps() {
  return useQuery({ queryKey: visitKeys.reps, queryFn: ({ signal }) => listVisitReps(signal), staleTime: 60_000 })
}

type Origin = { lng: number; lat: number }

/**
 * Customers in reach of the day's start (the home base when `origin` is null) ranked by priority; also the points
 * one can pick on the map.
 */
export function useVisitSuggestions(repId: number | undefined, date: string, origin: Origin | null, enabled: boolean) {
  return useQuery({
    queryKey: visitKeys.suggestions(repId, date, origin),
    queryFn: ({ signal }) =>
      getVisitSuggestions({ date, repId, limit: 100, lng: origin?.lng, lat: origin?.lat }, signal),
    enabled,
    staleTime: 30_000,
  })
}

export function useSavedDayPlan(repId: number | undefined, date: string, enabled: boolean) {
  return useQuery({
    queryKey: visitKeys.plan(repId, date),
    queryFn: ({ signal }) => getSavedDayPlan(date, repId, signal),
    enabled,
    staleTime: 0,
  })
}

export function useVisitReport(weekStart: string, weeks: number, enabled: boolean) {
  return useQuery({
    queryKey: visitKeys.report(weekStart, weeks),
    queryFn: ({ signal }) => getVisitReport(weekStart, weeks, signal),
    enabled,
  })
}
