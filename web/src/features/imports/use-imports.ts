import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import {
  getImport,
  getImportFields,
  getImportPreview,
  type ImportJob,
  importEventsUrl,
  listImports,
  type StartImportRequest,
  startImport,
  uploadImportFile,
} from '../../api'

export const importKeys = {
  fields: ['imports', 'fields'] as const,
  history: ['imports', 'history'] as const,
  preview: (id: number) => ['imports', 'preview', id] as const,
  job: (id: number) => ['imports', 'job', id] as const,
}

export function useImportFields() {
  return useQuery({
    queryKey: importKeys.fields,
    queryFn: ({ signal }) => getImportFields(signal),
    staleTime: Infinity,
  })
}

export function useImportHistory() {
  return useQuery({
    queryKey: importKeys.history,
    queryFn: ({ signal }) => listImports(signal),
    // While anything runs, the list follows it.
    refetchInterval: (query) =>
      query.state.data?.some((job) => !job.finished && job.status !== 'uploaded') ? 2000 : false,
  })
}

export function useImportPreview(id: number | null, enabled: boolean) {
  return useQuery({
    queryKey: importKeys.preview(id ?? 0),
    queryFn: ({ signal }) => getImportPreview(id ?? 0, signal),
    enabled: id !== null && enabled,
    staleTime: Infinity,
    retry: false,
  })
}

export function useUploadImport() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (file: File) => uploadImportFile(file),
    onSuccess: (result) => {
      queryClient.setQueryData(importKeys.preview(result.job.id), result)
      queryClient.setQueryData(importKeys.job(result.job.id), result.job)
      void queryClient.invalidateQueries({ queryKey: importKeys.history })
    },
  })
}

export function useStartImport(id: number) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (request: StartImportRequest) => startImport(id, request),
    onSuccess: (job) => {
      queryClient.setQueryData(importKeys.job(id), job)
      void queryClient.invalidateQueries({ queryKey: importKeys.history })
    },
  })
}

/**
 * One import job, live: the job row once, then server-sent events until it ends. The job id lives in the URL,
 * so a reload (or another tab) picks the same stream up again.
 */
export function useImportJob(id: number | null) {
  const queryClient = useQueryClient()
  const query = useQuery({
    queryKey: importKeys.job(id ?? 0),
    queryFn: ({ signal }) => getImport(id ?? 0, signal),
    enabled: id !== null,
    retry: false,
  })
  const [streamError, setStreamError] = useState(false)
  const job = query.data
  const follow = id !== null && job !== undefined && !job.finished && job.status !== 'uploaded'
  useEffect(() => {
    if (!follow || id === null) return
    const source = new EventSource(importEventsUrl(id))
    source.addEventListener('progress', (event) => {
      setStreamError(false)
      const next = JSON.parse((event as MessageEvent<string>).data) as ImportJob
      queryClient.setQueryData(importKeys.job(id), next)
      if (next.finished) {
        source.close()
        void queryClient.invalidateQueries({ queryKey: importKeys.history })
      }
    })
    source.onerror = () => setStreamError(true)
    return () => source.close()
  }, [follow, id, queryClient])
  return { ...query, streamError }
}
