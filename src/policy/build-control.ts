import { Control, ControlReference, ControlSource, ControlViolation } from './control';
import { POD_KINDS, PodTemplate, podTemplates, ref } from './manifest';
import { checkPodSecurityRestricted } from './pss';

/** Building blocks of the controls (`controls.ts`). Internal: not exported from the package. */

/** Shorthand for a reference. */
export function r(source: ControlSource, check: string): ControlReference {
  return { source, check };
}

export type Add = (obj: any, path: string, message: string) => void;

/** A control whose check collects violations through `add`. */
export function control(
  id: string, title: string, references: ControlReference[], collect: (objects: any[], add: Add) => void, pss = false,
): Control {
  return {
    id,
    title,
    references,
    pss,
    check(objects: any[]): ControlViolation[] {
      const out: ControlViolation[] = [];
      collect(objects, (obj, path, message) => out.push({ control: id, object: ref(obj), path, message }));
      return out;
    },
  };
}

/** A control that checks each pod template on its own. */
export function podControl(
  id: string,
  title: string,
  references: ControlReference[],
  each: (pod: PodTemplate, add: Add, objects: any[]) => void,
  kinds: string[] = POD_KINDS,
): Control {
  return control(id, title, references, (objects, add) => {
    for (const pod of podTemplates(objects)) {
      if (kinds.includes(pod.obj.kind)) each(pod, add, objects);
    }
  });
}

/** A control for each Pod Security Standards control name that `checkPodSecurityRestricted` reports. */
export function pssControl(id: string, pssName: string, pssTitle: string, title: string, references: ControlReference[]): Control {
  return control(id, title, [r(ControlSource.PSS, pssTitle), ...references], (objects, add) => {
    for (const obj of objects) {
      for (const v of checkPodSecurityRestricted(obj)) {
        if (v.control === pssName) add(obj, v.path, v.message);
      }
    }
  }, true);
}

