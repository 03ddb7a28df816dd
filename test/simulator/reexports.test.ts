/**
 * The ConnectWise simulator moved to simulator/connectwise/ and its source-neutral parts to simulator/core/; the old
 * module paths stay importable and export the same objects.
 */
import * as oldConditions from '../../simulator/conditions';
import * as oldData from '../../simulator/data';
import * as oldFaults from '../../simulator/faults';
import * as oldPrng from '../../simulator/prng';
import * as oldRecordJson from '../../simulator/recordJson';
import * as oldStore from '../../simulator/store';
import * as conditions from '../../simulator/connectwise/conditions';
import * as data from '../../simulator/connectwise/data';
import * as faults from '../../simulator/connectwise/faults';
import * as recordJson from '../../simulator/connectwise/recordJson';
import * as store from '../../simulator/connectwise/store';
import * as coreFaults from '../../simulator/core/faults';
import * as prng from '../../simulator/core/prng';
import * as simulator from '../../simulator';

describe('simulator module paths', () => {
  it('given the pre-move deep imports, when loaded, then they export the moved modules unchanged', () => {
    expect(oldConditions).toEqual(conditions);
    expect(oldData).toEqual(data);
    expect(oldFaults).toEqual(faults);
    expect(oldRecordJson).toEqual(recordJson);
    expect(oldStore).toEqual(store);
    expect(oldPrng).toEqual(prng);
    expect(oldFaults.FaultInjector).toBe(coreFaults.FaultInjector);
    expect(oldData.isoSeconds(0)).toBe('1970-01-01T00:00:00Z');
  });

  it('given the package index, when loaded, then both simulators start from it', () => {
    expect(typeof simulator.startSimulator).toBe('function');
    expect(typeof simulator.startServiceNowSimulator).toBe('function');
    expect(simulator.API_PREFIX).toBe('/v4_6_release/apis/3.0');
    expect(Object.keys(simulator).sort()).toEqual(
      [
        'API_PREFIX',
        'ConditionSyntaxError',
        'LITERAL_RULES',
        'SERVICENOW_TABLES',
        'compileCondition',
        'parseConditions',
        'startSalesforceSimulator',
        'startServiceNowSimulator',
        'startSimulator',
      ].sort(),
    );
  });
});
