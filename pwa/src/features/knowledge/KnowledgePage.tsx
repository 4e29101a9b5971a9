import type { RouteProps } from '../../app/lazy';

export default function Page(_props: RouteProps) {
  return null;
}
