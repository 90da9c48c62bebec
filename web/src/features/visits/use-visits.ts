import { useQuery } from '@tanstack/react-query'
import { getSavedDayPlan, getVisitReport, getVisitSuggestions, listVisitReps } from '../../api'

export const visitKeys = {
  reps: ['visits', 'reps'] as const,
  suggestions: (repId: number | undefined, date: string) => ['visits', 'suggestions', repId ?? 0, date] as const,
  plan: (repId: number | undefined, date: string) => ['visits', 'plan', repId ?? 0, date] as const,
  report: (weekStart: string, weeks: number) => ['visits', 'report', weekStart, weeks] as const,
}

export function useVisitReps() {
  return useQuery({ queryKey: visitKeys.reps, queryFn: ({ signal }) => listVisitReps(signal), staleTime: 60_000 })
}

/** Customers in reach ranked by priority; also the points one can pick on the map. */
export function useVisitSuggestions(repId: number | undefined, date: string, enabled: boolean) {
  return useQuery({
    queryKey: visitKeys.suggestions(repId, date),
    queryFn: ({ signal }) => getVisitSuggestions({ date, repId, limit: 100 }, signal),
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
